package cn.healthcard.hub.routes.his;

import cn.healthcard.hub.mappings.hl7v2.InboundResult;

/**
 * Answers HL7 v2 queries (QBP^Q11: immunization history Z34, forecast Z44) from the repository,
 * synchronously: a query is read-only and is never recorded in the inbox. Implemented by the
 * application.
 */
public interface HisQueries {
  /** The RSP^K11 to send back, in the query's charset. */
  byte[] answer(InboundResult.Query query);
}
