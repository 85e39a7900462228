export { deliverDueWebhooks, signWebhook, startWebhookDispatcher } from "./dispatch";
export {
  emitIntegrationEvent,
  INTEGRATION_EVENTS,
  isIntegrationEvent,
  type IntegrationEvent,
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
