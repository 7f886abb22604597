import { Construct } from 'constructs';
import { guardEmittedText } from '../util/emitted-text';

/**
 * The base of this library's constructs: constructing one guards the text its chart emits
 * (guardEmittedText: no lone surrogates, no YAML 1.1 line breaks), so a new construct cannot
 * forget it. test/architecture checks that every construct class extends it.
 */
export abstract class LibraryConstruct extends Construct {
  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    guardEmittedText(this);
  }
}
