import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as e,c as r}from"./chunk-NDJNVI3F.js";var p=r((s,i)=>{i.exports=e("node:http")});var q=r((t,o)=>{o.exports=e("node:path")});export{q as a,p as b};
