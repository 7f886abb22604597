/**
 * Typed Tekton Triggers objects (`triggers.tekton.dev/v1beta1`).
 *
 * Every Triggers CRD (v0.37.0) has a loose root schema
 * (`x-kubernetes-preserve-unknown-fields: true`), so `cdk8s import` would
 * give an untyped `spec`. These interfaces are written by hand after the Go
 * API types of tektoncd/triggers (pkg/apis/triggers/v1beta1): the JSON field
 * names are exactly the API's, including its lower-case oddities
 * (`apiversion` in binding/template refs, `resourcetemplates`).
 * The wrappers are thin: they only fix apiVersion and kind.
 */
import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';
import { Construct } from 'constructs';
import { checkPropsObject, checkKnownProps, PropNames } from '../../util/props-check';

/** The served and stored Triggers API version used for every object here. */
export const TRIGGERS_API_VERSION = 'triggers.tekton.dev/v1beta1';

/** A reference to an interceptor (`TriggerInterceptor.ref`). */
export interface InterceptorRef {
  /** Interceptor name, e.g. `cel`, `github`, `gitlab`, `bitbucket`, `slack` (the core ClusterInterceptors). */
  readonly name: string;
  /**
   * Kind of the interceptor object.
   * @default 'ClusterInterceptor' (the API fills it in)
   */
  readonly kind?: 'ClusterInterceptor' | 'NamespacedInterceptor';
  /** API version of the referent. @default the interceptor kind's version */
  readonly apiVersion?: string;
}

/** One parameter passed to an interceptor; the value is any JSON. */
export interface InterceptorParam {
  /** Param name the interceptor reads, e.g. `filter` or `overlays` for `cel`. */
  readonly name: string;
  /** Any JSON value: a string for a CEL `filter`, a list of {@link CelOverlay} for `overlays`. */
  readonly value: unknown;
}

/** A CEL overlay: the expression's result is added under `extensions.<key>`. */
export interface CelOverlay {
  /** Key under `extensions` (dotted paths create nested objects). */
  readonly key: string;
  /** CEL expression evaluated against `body`, `header`, `requestURL` and `extensions`. */
  readonly expression: string;
}

/** A header added to a webhook interceptor request. */
export interface WebhookInterceptorHeader {
  /** Header name. */
  readonly name: string;
  /** Header value, or several values. */
  readonly value: string | string[];
}

/** An old-style webhook interceptor (a Service or URL of your own). */
export interface WebhookInterceptor {
  /** The Service to call. */
  readonly objectRef?: { readonly apiVersion?: string; readonly kind?: string; readonly name?: string; readonly namespace?: string };
  /** Or a URL. */
  readonly url?: string;
  /** Extra request headers. */
  readonly header?: WebhookInterceptorHeader[];
}

/** An interceptor in a trigger's chain (`TriggerInterceptor`). */
export interface TriggerInterceptor {
  /** Optional label for this interceptor configuration (shows in the EventListener logs). */
  readonly name?: string;
  /** The interceptor to call. */
  readonly ref: InterceptorRef;
  /** Parameters, e.g. `filter` and `overlays` for `cel`. */
  readonly params?: InterceptorParam[];
  /** Old-style webhook interceptor instead of `ref`. */
  readonly webhook?: WebhookInterceptor;
}

/**
 * A binding in a trigger: either a reference to a (Cluster)TriggerBinding
 * (`ref`, `kind`) or an inline param (`name`, `value`).
 */
export interface TriggerSpecBinding {
  /** Inline param name (with `value`); mutually exclusive with `ref`. */
  readonly name?: string;
  /** Inline param value, e.g. `$(body.after)`. */
  readonly value?: string;
  /** Name of a TriggerBinding or ClusterTriggerBinding. */
  readonly ref?: string;
  /**
   * Kind of the binding named by `ref`.
   * @default 'TriggerBinding'
   */
  readonly kind?: 'TriggerBinding' | 'ClusterTriggerBinding';
  /** Note the lower-case field name of the Triggers API. */
  readonly apiversion?: string;
}

/** The template of a trigger: a TriggerTemplate by name or an inline spec. */
export interface TriggerSpecTemplate {
  /** Name of a TriggerTemplate in the EventListener's namespace. */
  readonly ref?: string;
  /** Note the lower-case field name of the Triggers API. */
  readonly apiversion?: string;
  /** An inline template instead of `ref`. */
  readonly spec?: TriggerTemplateSpec;
}

/** Spec of a Trigger object (`TriggerSpec`). */
export interface TriggerSpec {
  /** Where the template's params come from: binding references or inline params. */
  readonly bindings: TriggerSpecBinding[];
  /** The TriggerTemplate that creates objects per event. */
  readonly template: TriggerSpecTemplate;
  /**
   * Trigger name, as the EventListener logs it.
   * @default the object's name
   */
  readonly name?: string;
  /** Interceptors run in order before the bindings; any of them can drop the event. */
  readonly interceptors?: TriggerInterceptor[];
  /** ServiceAccount used for this trigger's resources instead of the EventListener's. */
  readonly serviceAccountName?: string;
}

/** A trigger inside an EventListener (`EventListenerTrigger`): inline, or a `triggerRef`. */
export interface EventListenerTrigger {
  /** Trigger name, as the EventListener logs it. */
  readonly name?: string;
  /** Interceptors run in order before the bindings; any of them can drop the event. */
  readonly interceptors?: TriggerInterceptor[];
  /** Where the template's params come from: binding references or inline params. */
  readonly bindings?: TriggerSpecBinding[];
  /** The TriggerTemplate that creates objects per event. */
  readonly template?: TriggerSpecTemplate;
  /** Name of a Trigger object instead of the inline fields. */
  readonly triggerRef?: string;
  /** ServiceAccount used for this trigger's resources instead of the EventListener's. */
  readonly serviceAccountName?: string;
}

/** A label selector (the `metav1.LabelSelector` shape). */
export interface TriggersLabelSelector {
  /** Labels an object must have, with these values. */
  readonly matchLabels?: { readonly [key: string]: string };
  /** Set-based requirements; all must hold. */
  readonly matchExpressions?: {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: string[];
  }[];
}

/** A group of triggers that share one interceptor chain. */
export interface EventListenerTriggerGroup {
  /** Group name. */
  readonly name: string;
  /** Interceptors run once for the whole group. */
  readonly interceptors: TriggerInterceptor[];
  /** The Trigger objects in the group, by namespace and labels. */
  readonly triggerSelector: {
    readonly namespaceSelector?: { readonly matchNames?: string[] };
    readonly labelSelector?: TriggersLabelSelector;
  };
}

/** How the EventListener's Deployment and Service are made. */
export interface EventListenerKubernetesResource {
  /** Replicas of the listener's Deployment. */
  readonly replicas?: number;
  /** @default 'ClusterIP' */
  readonly serviceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** @default 8080 */
  readonly servicePort?: number;
  /** A pod template (`metadata` and `spec`) merged into the listener's Deployment. */
  readonly spec?: Record<string, unknown>;
}

/** Spec of an EventListener (`EventListenerSpec`). */
export interface EventListenerSpec {
  /** ServiceAccount of the listener pod; it needs the Triggers EventListener roles bound. */
  readonly serviceAccountName?: string;
  /** Triggers served by the listener. */
  readonly triggers?: EventListenerTrigger[];
  /** Groups of Trigger objects sharing one interceptor chain. */
  readonly triggerGroups?: EventListenerTriggerGroup[];
  /** Also serve Trigger objects from these namespaces. */
  readonly namespaceSelector?: { readonly matchNames?: string[] };
  /** Serve only Trigger objects with these labels. */
  readonly labelSelector?: TriggersLabelSelector;
  /** How the listener's own Deployment and Service are made. */
  readonly resources?: {
    readonly kubernetesResource?: EventListenerKubernetesResource;
    readonly customResource?: Record<string, unknown>;
  };
  /** Where the listener sends CloudEvents about what it did. */
  readonly cloudEventURI?: string;
}

/** A TriggerBinding param: a name and a `$(body...)`/`$(header...)`/`$(extensions...)` expression. */
export interface TriggerBindingParam {
  /** Param name, matching a TriggerTemplate param. */
  readonly name: string;
  /** Expression such as `$(body.repository.clone_url)`. */
  readonly value: string;
}

/** Spec of a TriggerBinding or ClusterTriggerBinding. */
export interface TriggerBindingSpec {
  /** The params this binding extracts. */
  readonly params?: TriggerBindingParam[];
}

/** A TriggerTemplate param (`ParamSpec`): always a string. */
export interface TriggerTemplateParam {
  /** Param name, used as `$(tt.params.<name>)`. */
  readonly name: string;
  /** What the param is for. */
  readonly description?: string;
  /** Value used when no binding supplies the param. */
  readonly default?: string;
}

/** Spec of a TriggerTemplate. */
export interface TriggerTemplateSpec {
  /** The params the template accepts. */
  readonly params?: TriggerTemplateParam[];
  /**
   * Objects created per event (PipelineRuns, TaskRuns); `$(tt.params.<name>)`
   * is replaced in them. Note the all-lower-case field name.
   */
  readonly resourcetemplates?: Record<string, unknown>[];
}

/** Props of a Triggers object wrapper: metadata and a typed spec. */
export interface TriggersObjectProps<Spec> {
  /**
   * Object metadata (name, namespace, labels, annotations).
   * @default a name generated by cdk8s from the construct path
   */
  readonly metadata?: ApiObjectMetadata;
  /** The object's spec. */
  readonly spec: Spec;
}

/** The prop names of {@link TriggersObjectProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const TRIGGERS_OBJECT_PROPS: PropNames<TriggersObjectProps<unknown>> = { metadata: true, spec: true };

/** `EventListener`: the HTTP sink (Deployment + Service `el-<name>`) that runs triggers. */
export class EventListener extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: TRIGGERS_API_VERSION, kind: 'EventListener' };
  public readonly spec: EventListenerSpec;
  constructor(scope: Construct, id: string, props: TriggersObjectProps<EventListenerSpec>) {
    super(scope, id, {
      ...EventListener.GVK,
      ...checkKnownProps(scope, 'EventListener', checkPropsObject(scope, props, true), TRIGGERS_OBJECT_PROPS),
    });
    this.spec = props.spec;
  }
}

/** `Trigger`: a trigger kept as its own object (referenced by `triggerRef` or a label selector). */
export class Trigger extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: TRIGGERS_API_VERSION, kind: 'Trigger' };
  public readonly spec: TriggerSpec;
  constructor(scope: Construct, id: string, props: TriggersObjectProps<TriggerSpec>) {
    super(scope, id, { ...Trigger.GVK, ...checkKnownProps(scope, 'Trigger', checkPropsObject(scope, props, true), TRIGGERS_OBJECT_PROPS) });
    this.spec = props.spec;
  }
}

/** `TriggerBinding`: params extracted from an event. */
export class TriggerBinding extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: TRIGGERS_API_VERSION, kind: 'TriggerBinding' };
  public readonly spec: TriggerBindingSpec;
  constructor(scope: Construct, id: string, props: TriggersObjectProps<TriggerBindingSpec>) {
    super(scope, id, {
      ...TriggerBinding.GVK,
      ...checkKnownProps(scope, 'TriggerBinding', checkPropsObject(scope, props, true), TRIGGERS_OBJECT_PROPS),
    });
    this.spec = props.spec;
  }
}

/** `TriggerTemplate`: the objects to create from the bound params. */
export class TriggerTemplate extends ApiObject {
  public static readonly GVK: GroupVersionKind = { apiVersion: TRIGGERS_API_VERSION, kind: 'TriggerTemplate' };
  public readonly spec: TriggerTemplateSpec;
  constructor(scope: Construct, id: string, props: TriggersObjectProps<TriggerTemplateSpec>) {
    super(scope, id, {
      ...TriggerTemplate.GVK,
      ...checkKnownProps(scope, 'TriggerTemplate', checkPropsObject(scope, props, true), TRIGGERS_OBJECT_PROPS),
    });
    this.spec = props.spec;
  }
}
