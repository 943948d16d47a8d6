// The dashboard's page maps `@widget/` to the widget's folder (its import map); a test that
// imports the dashboard's modules imports this first, which maps it to the checkout's.
import { register } from "node:module";

const widget = new URL("../../../widget/", import.meta.url).href;
register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier.startsWith("@widget/")) return next(${JSON.stringify(widget)} + specifier.slice(8), context);
        return next(specifier, context);
      }`
    )
);
