/**
 * The kubelet refuses to start a container whose pod requires a non-root user
 * (`runAsNonRoot: true`) when the image runs as root and the pod sets no
 * `runAsUser` (CreateContainerConfigError: "container has runAsNonRoot and
 * image will run as root"). For the images in the catalog that is known at
 * synth time.
 */
import { IConstruct } from 'constructs';
import { lookupImage } from '../image-catalog';
import { invalidProp } from '../../util/props-check';

/**
 * Throws when `image` is known to run as root and the container gets no
 * `runAsUser`, under hardening that requires a non-root user. `wayOut` names
 * the props that fix it, e.g. `set runAsUser (e.g. 65534), or podSecurity "baseline"`.
 */
export function checkImageRunsAsNonRoot(
  scope: IConstruct,
  field: string,
  image: string,
  runAsUser: number | undefined,
  wayOut: string,
): void {
  if (runAsUser !== undefined) return;
  const known = lookupImage(image);
  if (!known || known.user !== 0) return;
  invalidProp(
    scope,
    field,
    image,
    `an image that runs as a non-root user: the restricted hardening sets runAsNonRoot, and the kubelet refuses to start ` +
      `"${image}", which runs as root (uid 0, see KNOWN_IMAGES); ${wayOut}`,
  );
}
