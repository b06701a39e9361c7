// Import rules the Nx tag matrix cannot express (it sees projects, not folders): no import
// cycle anywhere, no folder of an app importing a folder that imports it back (an upward
// import), and the shop's floors. `npm run check` runs it (npm run deps:check);
// tools/dependency-rules.test.mjs proves each rule fails on a violation.
const SHOP = '^apps/shop-api/src/';
/** The shop's modules under the B2B API (the top floor). */
const SHOP_BELOW_B2B = `${SHOP}(notifications|idempotency|quotes|orders|uploads|customers|price-lists|storage)/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: one of its modules is in the wrong place.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment:
        'Two folders import each other (directly or through others): one is both a top floor and a basement. Move the lower part into its own folder beneath both.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-import-of-entry-points',
      severity: 'error',
      comment: 'An app module, its config and its entry points are the top: nothing imports them.',
      from: { path: '^apps/[^/]+/src/[^/]+/' },
      to: { path: '^apps/[^/]+/src/(app\\.module|app\\.config|main|tracing)\\.ts$' },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Libraries never import apps.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'shop-b2b-is-the-top',
      severity: 'error',
      comment: 'The B2B API sits on top of the shop: nothing beneath it imports b2b/.',
      from: { path: [SHOP_BELOW_B2B, `${SHOP}shop\\.(config|database)\\.ts$`] },
      to: { path: `${SHOP}b2b/` },
    },
    {
      name: 'shop-notifications-beneath',
      severity: 'error',
      comment:
        'Notifications are told about changes by the modules above (quotes, orders): they import none of them.',
      from: { path: `${SHOP}notifications/` },
      to: { path: `${SHOP}(orders|quotes|uploads|customers|price-lists|storage|idempotency)/` },
    },
    {
      name: 'shop-idempotency-beneath',
      severity: 'error',
      comment: 'Idempotency serves the controllers above it and imports none of their modules.',
      from: { path: `${SHOP}idempotency/` },
      to: { path: `${SHOP}(orders|quotes|uploads|customers|price-lists|storage|notifications)/` },
    },
    {
      name: 'shop-config-and-schema-beneath',
      severity: 'error',
      comment:
        "shop.config.ts and shop.database.ts are read by the shop's modules, so they import none of them (except the basements' own config).",
      from: { path: `${SHOP}shop\\.(config|database)\\.ts$` },
      to: { path: `${SHOP}(orders|quotes|uploads|customers|price-lists|storage)/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.nx)/' },
    // Type-only imports count: a type cycle is a boundary in the wrong place all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
