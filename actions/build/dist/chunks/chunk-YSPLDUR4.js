import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as e,b as r}from"./chunk-EEEC4TXW.js";var p=r((s,i)=>{i.exports=e("node:util")});var q=r((t,o)=>{o.exports=e("node:child_process")});export{p as a,q as b};
