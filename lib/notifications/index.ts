export { createNotifications, type NewNotification } from "./notify";
export { listNotifications, listNotificationsInput } from "./list-notifications";
export { markNotificationsRead, markNotificationsReadInput } from "./mark-read";
export type { NotificationDto } from "./schemas";
