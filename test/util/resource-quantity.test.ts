import { isQuantity, quantityToNumber } from '../../lib/util/resource-quantity';

describe('resource quantities', () => {
  test.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1k', 1000],
    ['1e3', 1000],
    ['100n', 1e-7],
  ])('%s = %d', (text, value) => {
    expect(isQuantity(text)).toBe(true);
    expect(quantityToNumber(text)).toBeCloseTo(value, 12);
  });

  test.each(['1Gb', '1 Gi', '', 'Gi', '1.2.3', 'one', '1KI', '--1'])('rejects %j', (text) => {
    expect(isQuantity(text)).toBe(false);
    expect(() => quantityToNumber(text)).toThrow(/invalid quantity/);
  });
});
