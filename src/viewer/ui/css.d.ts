// esbuild bundles imported CSS into main.css; for the type checker a CSS import is an opaque module.
declare module '*.css';
