import { CelOverlay, EventListenerTrigger, TriggerInterceptor } from './triggers-types';

/** What {@link celTrigger} needs. */
export interface CelTriggerOptions {
  /** Trigger name, as the EventListener logs it. */
  readonly name: string;
  /** Label of the interceptor step, shown in the listener's logs. */
  readonly interceptorName: string;
  /** CEL filter: events for which it is false are dropped. */
  readonly filter: string;
  /** CEL overlays computed for accepted events. */
  readonly overlays: readonly CelOverlay[];
  /** TriggerBinding that maps the event to params. */
  readonly bindingRef: string;
  /** TriggerTemplate that creates the run. */
  readonly templateRef: string;
  /** Interceptors that run before the `cel` one (a delivery must pass them first). */
  readonly before?: readonly TriggerInterceptor[];
}

/**
 * An EventListener trigger with a `cel` interceptor (filter + overlays), after any `before` ones,
 * one TriggerBinding and one TriggerTemplate: the shape both webhook
 * triggers of this library use.
 */
export function celTrigger(options: CelTriggerOptions): EventListenerTrigger {
  return {
    name: options.name,
    interceptors: [
      ...(options.before ?? []),
      {
        name: options.interceptorName,
        ref: { name: 'cel', kind: 'ClusterInterceptor' },
        params: [
          { name: 'filter', value: options.filter },
          { name: 'overlays', value: options.overlays },
        ],
      },
    ],
    bindings: [{ ref: options.bindingRef, kind: 'TriggerBinding' }],
    template: { ref: options.templateRef },
  };
}
