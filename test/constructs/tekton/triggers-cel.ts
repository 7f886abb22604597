/** The Triggers CEL model lives in lib/tooling/simulate (one implementation, used by `k8s-practice simulate`). */
export * from '../../../lib/tooling/simulate/triggers-cel';
