export { CSAT_CHOICES, csatAnswerKeepsResolved, csatReplyId, csatReplyOf, recordCsatAnswer } from "./reply";
export { csatCycleDue, scheduleCsatSurvey, sendCsatSurvey, type SurveyOutcome } from "./survey";
export { getCsatSettings, setCsatSettings } from "./settings";
