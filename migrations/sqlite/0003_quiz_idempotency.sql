ALTER TABLE `quiz_attempts` ADD `idempotency_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `quiz_attempts_user_key_idx` ON `quiz_attempts` (`user_id`,`idempotency_key`);