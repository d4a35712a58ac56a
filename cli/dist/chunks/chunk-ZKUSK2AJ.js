import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as r,c as i}from"./chunk-NDJNVI3F.js";var o=i((p,e)=>{e.exports=r("node:crypto")});export{o as a};
