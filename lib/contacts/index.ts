export { changeIdentity, type IdentityOutcome } from "./change-identity";
export { assertContactAccess } from "./contact-access";
export { phoneVariants } from "./phone-variants";
export {
  ContactLookahead,
  findContact,
  resolveContact,
  resolveContacts,
  type ResolvedContact,
} from "./resolve-contact";
export { setMarketingPreference, syncAddressBookEntry } from "./sync-address-book";
export {
  getContact,
  listContacts,
  listContactsInput,
  mergeContactsByHand,
  mergeContactsInput,
  type ContactDetail,
  type ContactDto,
} from "./contacts-api";
export { exportContacts, importContacts, parseCsv, type ImportResult } from "./csv-io";
export {
  archiveAttribute,
  attributeFilterSql,
  checkAttributeFilters,
  createAttribute,
  listAttributes,
  setContactAttributes,
  updateAttribute,
  type AttributeFilter,
  type TypedAttributeFilter,
} from "./attributes";
export {
  createAttributeInput,
  setAttributesInput,
  updateAttributeInput,
  type AttributeDefinitionDto,
} from "./schemas";
