export { recordSlaBreaches } from "./breaches";
export { addBusinessMinutes, businessMinutesBetween, openRanges, type WeeklyHours } from "./business-time";
export { startSlaClocks, stopAllClocks, stopResponseClocks } from "./clocks";
export {
  businessHoursInput,
  deleteSlaPolicy,
  listBusinessHours,
  listSlaPolicies,
  saveBusinessHours,
  saveSlaPolicy,
  slaPolicyInput,
} from "./policies";
