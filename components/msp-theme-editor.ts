/** Entry point: registers <msp-theme-editor> (its preview's licence meter loads as its own chunk). */
export * from './theme-editor/define.js';
