import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
throw new Error("sdk-ecr.js: this bundle was built without this AWS client, as none of its code calls it");
