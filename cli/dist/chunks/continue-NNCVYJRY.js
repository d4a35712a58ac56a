import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-GXLA5HY7.js";import"./chunk-FJ6Q7XRD.js";import"./chunk-TCC6DNN5.js";import"./chunk-Q7R6KHAV.js";import"./chunk-TTG5M7ID.js";import"./chunk-PZ6TK4FG.js";import"./chunk-3BYHCKPE.js";import"./chunk-NDJNVI3F.js";export{b as continueGated,a as revisionTaskDefinitions};
