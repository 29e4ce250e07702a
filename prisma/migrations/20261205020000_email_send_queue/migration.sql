-- Emails are sent from their rows (a queue in PostgreSQL) rather than by a workflow each: the
-- sender claims due rows, and a claim that is not completed falls due again at next_attempt_at.
ALTER TABLE "email_notifications" ADD COLUMN "next_attempt_at" TIMESTAMP(3);
CREATE INDEX "email_notifications_due_idx" ON "email_notifications"("next_attempt_at") WHERE "status" = 'pending';
