"""The audit trail (审计): AuditEvent rows written by the domains (sign-ins, role changes,
hand-overs) through trail.services.record. It stands below every domain, which all may record
into it; the viewer (webapp/audit/) reads it with the other audit tables."""
