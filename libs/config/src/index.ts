export { loadSettings, settingsSchema, SettingsError, devAuthSecret, publicUrl, type Settings } from './settings';
