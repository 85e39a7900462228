export { downloadMedia, MEDIA_DOWNLOAD_ATTEMPTS } from "./download-media";
export { MediaUnavailableError } from "./errors";
export { findPendingMedia } from "./find-pending-media";
export { getMediaFile, type MediaFile } from "./get-media-file";
export { recordMessageMedia, scheduleMediaDownload } from "./record-media";
