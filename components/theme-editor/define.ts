import { define } from '../core/base-element.js';
import { MspThemeEditor } from './theme-editor.js';

export { MspThemeEditor };
export type { ThemeSavedDetail, ThemeTarget } from './theme-editor.js';
export type { ThemeAnswer, ThemeLogo } from './theme-api.js';
define('msp-theme-editor', MspThemeEditor);
