package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * Concurrent conditional writes of one identifier race on HAPI's unique indexes: one wins, the
 * others fail with a version conflict. Retrying the losers is always right for conditional
 * operations (the retry finds the winner's resource and answers 200) and for transactions built
 * of them, so clients never see a 409 for a race they did not cause. Plain creates are not
 * retried: a duplicate there is the client's error and must say so.
 */
@Interceptor
public class ConcurrentWriteRetry {
  static final int MAX_RETRIES = 10;

  @Hook(Pointcut.STORAGE_VERSION_CONFLICT)
  public ResourceVersionConflictResolutionStrategy onConflict(RequestDetails request) {
    ResourceVersionConflictResolutionStrategy strategy =
        new ResourceVersionConflictResolutionStrategy();
    if (request != null && isRetryable(request)) {
      strategy.setRetry(true);
      strategy.setMaxRetries(MAX_RETRIES);
    }
    return strategy;
  }

  static boolean isRetryable(RequestDetails request) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (operation == null) {
      return false;
    }
    return switch (operation) {
      case TRANSACTION, BATCH -> true;
      case CREATE -> request.getHeader(Constants.HEADER_IF_NONE_EXIST) != null;
      case UPDATE, PATCH -> request.getConditionalUrl(operation) != null;
      default -> false;
    };
  }
}
