package cn.healthcard.hub.federation.index;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Patient;

/** The repository's Patients, as the person index reads them (the application implements it). */
public interface PatientSource {

  /** The current version of each of these Patients that exists (a deleted one is left out). */
  List<Patient> read(Collection<String> ids);

  /** How many Patients the repository holds (for a rebuild's progress). */
  long count();

  /**
   * Every Patient, page by page.
   *
   * @param page called with each page; a page is never empty
   */
  void forEachPage(int pageSize, Consumer<List<Patient>> page);
}
