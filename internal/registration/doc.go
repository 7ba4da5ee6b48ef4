// Package registration is the rules core of technology-contract registration
// (技术合同认定登记, domain-rules §1–§3): the contract as filed, its validation,
// classification into the five legal types and their sub-types, the checks a
// registrar applies before registering (required content, non-registrable
// situations, monopolistic clauses, registrant eligibility, documents,
// validity, duplicates), the technology-transaction amount computed from line
// items, the registrar's time limit in Chinese working days, registration
// numbers, tax-relief eligibility from a dated policy table and integrity
// signals over other filings.
//
// It is pure: no database, no clock unless given one, no network. The filing
// workflow (states, registrar queue, amendments) stores Contract, Result and
// FilingSummary values and calls Check; the CLI and the REST API print Result.
// Every finding names the rule it comes from; docs/registration.md lists them.
package registration
