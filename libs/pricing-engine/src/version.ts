/**
 * Version of the pricing algorithms. Bump it whenever a change can alter an analysis or a
 * price, so that cached results keyed on it are invalidated.
 */
export const ENGINE_VERSION = '1.1.0';
