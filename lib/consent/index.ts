export {
  applyConsentKeyword,
  applyMetaPreference,
  applyStatusConsent,
  recordMarketingStop,
} from "./apply-webhook-consent";
export { marketingOptedOut } from "./check-send";
export { getContactConsent } from "./get-consent";
export { deleteConsentKeyword, listConsentKeywords, setConsentKeyword } from "./keywords-config";
export { foldKeyword, matchConsentKeyword } from "./keywords";
export { selectEffectiveConsents, type EffectiveConsent } from "./queries";
export { recordConsent } from "./record-consent";
export { moveConsents } from "./write-consent";
