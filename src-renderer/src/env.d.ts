// Vite's client types: CSS imports and import.meta.env. Node types stay out.
/// <reference types="vite/client" />
