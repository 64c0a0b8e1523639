// The in-page pagination module (./in-page.ts) as one browser script, made by bin/bundle.mjs's plugin.
declare module "broadside:paginate-in-page" {
  const script: string;
  export default script;
}
