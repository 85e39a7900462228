export { getSetting, getWorkspaceSetting } from "./get-setting";
export { setSetting, writeSetting } from "./set-setting";
export { settingDefaults, type SettingKey, type SettingValue } from "./schemas";
