/** Binding resolution and template instantiation live in lib/tooling/simulate (one implementation, used by `k8s-practice simulate`). */
export * from '../../../lib/tooling/simulate/trigger-resolution';
