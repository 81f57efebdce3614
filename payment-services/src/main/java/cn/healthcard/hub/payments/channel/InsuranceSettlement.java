package cn.healthcard.hub.payments.channel;

/**
 * How the medical-insurance channel settled an order: what the pooled fund paid, what the insured
 * person's account paid, and what the person paid in cash (through a mobile wallet, in the same
 * order), in fen.
 *
 * @param settlementId the insurance's settlement id ({@code setlId})
 */
public record InsuranceSettlement(String settlementId, long fundFen, long accountFen, long cashFen) {

  /** How the order is paid: WeChat Pay's and the insurance platforms' words for it. */
  public enum Mix { CASH_ONLY, INSURANCE_ONLY, CASH_AND_INSURANCE }

  public InsuranceSettlement {
    if (fundFen < 0 || accountFen < 0 || cashFen < 0) {
      throw new IllegalArgumentException("settlement shares are never negative");
    }
  }

  public long totalFen() {
    return fundFen + accountFen + cashFen;
  }

  public Mix mix() {
    return mix(fundFen + accountFen, cashFen);
  }

  public static Mix mix(long insuranceFen, long cashFen) {
    if (insuranceFen == 0) {
      return Mix.CASH_ONLY;
    }
    return cashFen == 0 ? Mix.INSURANCE_ONLY : Mix.CASH_AND_INSURANCE;
  }
}
