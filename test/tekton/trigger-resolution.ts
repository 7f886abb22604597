/** Binding resolution and template instantiation live in lib/simulate (one implementation, used by `k8s-practice simulate`). */
export * from '../../lib/simulate/trigger-resolution';
