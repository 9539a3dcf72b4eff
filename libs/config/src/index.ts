export {
  loadSettings,
  settingsSchema,
  SettingsError,
  devAuthSecret,
  publicUrl,
  trustProxy,
  OIDC_ALGORITHMS_ALLOWED,
  type Settings,
} from './settings';
