/**
 * Rule `image-not-pinned` (warning): a container image without a tag (so `latest`) or with the
 * `latest` tag, in a pod template (containers, init and ephemeral containers) or a Tekton Task spec
 * (steps, sidecars, stepTemplate). The API server accepts it, but each pull may get another
 * image. A digest or any other tag pins it; an image made of a Tekton substitution
 * (`$(params.image)`) is left alone, its value is not known here.
 */
import { isPinnedImage } from '../../../util/image-reference';
import { PathSegment } from '../../foundation/field-path';
import { each, isObject } from '../../foundation/json-value';
import { ManifestObject } from '../../foundation/manifest';
import { containersOf, podTemplateOf } from '../../foundation/pod-templates';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';
import { taskSpecsOf } from '../task-specs';

function checkImage(ctx: RuleContext, item: ManifestObject, path: readonly PathSegment[], image: unknown): void {
  if (typeof image !== 'string' || image === '' || image.includes('$(') || isPinnedImage(image)) return;
  const why = /:latest$/.test(image) ? 'the "latest" tag' : 'no tag, so "latest"';
  ctx.report(
    item,
    [...path, 'image'],
    'image-not-pinned',
    'warning',
    `image ${JSON.stringify(image)} is not pinned (${why}): each pull may get another image; give a tag such as "nginx:1.27" or a digest (@sha256:...)`,
  );
}

export function checkImages(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const template = podTemplateOf(item.object);
    if (template) for (const { container, path } of containersOf(template)) checkImage(ctx, item, path, container.image);
    for (const { spec, path } of taskSpecsOf(item.object)) {
      for (const list of ['steps', 'sidecars']) each(spec[list], (step, i) => checkImage(ctx, item, [...path, list, i], step.image));
      if (isObject(spec.stepTemplate)) checkImage(ctx, item, [...path, 'stepTemplate'], spec.stepTemplate.image);
    }
  }
}

export const imageRule: RuleDefinition = {
  id: 'images',
  summary: 'container images are pinned to a tag or digest',
  codes: [
    { code: 'image-not-pinned', severity: 'warning', summary: 'an image without a tag, or with "latest": each pull may get another image' },
  ],
  check: checkImages,
};
