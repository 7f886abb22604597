/** The ResourceQuota of a project: totals over all its pods. */
export interface ProjectQuota {
  /** Sum of CPU requests, e.g. `1`. */
  readonly requestsCpu: string;
  /** Sum of memory requests, e.g. `1Gi`. */
  readonly requestsMemory: string;
  /** Sum of CPU limits. */
  readonly limitsCpu: string;
  /** Sum of memory limits. */
  readonly limitsMemory: string;
  /** Number of pods. */
  readonly pods: number;
  /**
   * Sum of PersistentVolumeClaim storage requests.
   * @default no storage quota
   */
  readonly requestsStorage?: string;
  /**
   * Number of PersistentVolumeClaims.
   * @default no claim-count quota
   */
  readonly persistentVolumeClaims?: number;
}

/** Room for a handful of small practice pods. */
export const SMALL_PROJECT_QUOTA: ProjectQuota = {
  requestsCpu: '1',
  requestsMemory: '1Gi',
  limitsCpu: '2',
  limitsMemory: '2Gi',
  pods: 10,
};

/**
 * Room for a CI project: Gogs, the registry, and a kaniko build (whose TaskRun pod alone has
 * 2200m CPU and 2176Mi memory limits, more than {@link SMALL_PROJECT_QUOTA} admits). Each
 * PipelineRun keeps a 1Gi claim until it is deleted: room for about ten runs next to Gogs (2Gi)
 * and the registry (5Gi); `kubectl -n ci delete pipelinerun --all` frees them.
 */
export const BUILD_PROJECT_QUOTA: ProjectQuota = {
  requestsCpu: '4',
  requestsMemory: '4Gi',
  limitsCpu: '8',
  limitsMemory: '8Gi',
  pods: 20,
  requestsStorage: '20Gi',
  persistentVolumeClaims: 12,
};
