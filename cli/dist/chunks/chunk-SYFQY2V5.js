import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as e,c as r}from"./chunk-NDJNVI3F.js";var p=r((s,i)=>{i.exports=e("node:fs")});var q=r((t,o)=>{o.exports=e("node:stream")});export{p as a,q as b};
