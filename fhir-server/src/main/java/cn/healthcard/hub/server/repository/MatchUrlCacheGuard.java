package cn.healthcard.hub.server.repository;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.util.MemoryCacheService;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps HAPI's match-URL cache from answering with a resource that no longer matches.
 *
 * <p>The hub turns that cache on ({@code matchUrlCacheEnabled}): conditional references by
 * identifier are on every write path, and resolving each one again is a search. HAPI never
 * invalidates an entry, so for up to a minute a conditional URL keeps resolving to what it
 * resolved to before. Identifiers do leave resources here: an ADT^A40 merge moves the card number
 * to the surviving Patient, a clerk corrects a wrong card number or MRN. When an update removes an
 * identifier, or a resource is deleted, the cache is emptied once the transaction ends; those are
 * rare, and the cache refills from the next lookups.
 */
@Interceptor
public final class MatchUrlCacheGuard {
  private final MemoryCacheService cache;
  private final FhirContext fhirContext;

  public MatchUrlCacheGuard(MemoryCacheService cache, FhirContext fhirContext) {
    this.cache = cache;
    this.fhirContext = fhirContext;
  }

  /** HAPI passes the stored version first, then the new one. */
  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource current) {
    if (previous == null || !identifiers(current).containsAll(identifiers(previous))) {
      emptyWhenTheTransactionEnds();
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    emptyWhenTheTransactionEnds();
  }

  Set<String> identifiers(IBaseResource resource) {
    Set<String> keys = new HashSet<>();
    RuntimeResourceDefinition definition = fhirContext.getResourceDefinition(resource);
    if (definition.getChildByName("identifier") == null) {
      return keys;
    }
    for (Identifier identifier :
        fhirContext.newTerser().getValues(resource, definition.getName() + ".identifier", Identifier.class)) {
      keys.add(identifier.getSystem() + "|" + identifier.getValue());
    }
    return keys;
  }

  private void emptyWhenTheTransactionEnds() {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      cache.invalidateCaches(MemoryCacheService.CacheEnum.MATCH_URL);
      return;
    }
    // after the commit: emptied earlier, a concurrent lookup could refill it from the old state
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCompletion(int status) {
        cache.invalidateCaches(MemoryCacheService.CacheEnum.MATCH_URL);
      }
    });
  }
}
