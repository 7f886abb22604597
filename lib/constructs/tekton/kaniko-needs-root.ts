/** Why a build with kaniko needs Pod Security `baseline`, for the synth-time check of KanikoTask and BuildPipeline. */
export const KANIKO_NEEDS_ROOT = 'the kaniko build step, which runs as root (uid 0) to unpack base images into its own filesystem';
