DROP INDEX `competency_evidence_competency_idx`;--> statement-breakpoint
DROP INDEX `competency_evidence_user_idx`;--> statement-breakpoint
CREATE INDEX `competency_evidence_competency_idx` ON `competency_evidence` (`competency`,`user_id`,`created_at`,`kind`);--> statement-breakpoint
CREATE INDEX `competency_evidence_user_idx` ON `competency_evidence` (`user_id`,`competency`,`created_at`,`module_id`,`kind`);