/** docs/generated/known-images.md: the images the library knows (KNOWN_IMAGES). */
import { knownImagesMarkdown } from '../../lib/constructs/image-catalog';
import { generatedPage, Generator } from './generator';

export const knownImages: Generator = {
  output: 'docs/generated/known-images.md',
  render: () =>
    generatedPage(
      'KNOWN_IMAGES, lib/constructs/image-catalog.ts (scripts/generate/known-images.ts)',
      'The images the library knows',
      `What the table is for: [Images, root and \`podSecurity\`](../library.md#images-root-and-podsecurity).\n\n${knownImagesMarkdown()}`,
    ),
};
