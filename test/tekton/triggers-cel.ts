/** The Triggers CEL model lives in lib/simulate (one implementation, used by `k8s-practice simulate`). */
export * from '../../lib/simulate/triggers-cel';
