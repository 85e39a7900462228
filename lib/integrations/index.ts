export { deliverDueWebhooks, signWebhook, startWebhookDispatcher } from "./dispatch";
export {
  emitIntegrationEvent,
  emitIntegrationEvents,
  integrationEvent,
  INTEGRATION_EVENTS,
  isIntegrationEvent,
  type IntegrationEvent,
  type PendingIntegrationEvent,
} from "./events";
export {
  createEndpoint,
  deleteEndpoint,
  endpointInput,
  listDeliveries,
  listEndpoints,
  redeliver,
  rotateEndpointSecret,
  updateEndpoint,
  type EndpointDto,
} from "./manage";
