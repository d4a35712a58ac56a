import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as a,c as b}from"./chunk-I65HAH77.js";import"./chunk-Q7R6KHAV.js";import"./chunk-TTG5M7ID.js";import"./chunk-PZ6TK4FG.js";import"./chunk-3BYHCKPE.js";import"./chunk-NDJNVI3F.js";export{a as RUN_TASK_OVERRIDES_MAX_BYTES,b as runOneOffTask};
