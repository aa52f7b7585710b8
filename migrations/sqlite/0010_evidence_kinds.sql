CREATE TABLE `assessments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`assessor_id` integer NOT NULL,
	`scores` text NOT NULL,
	`total` integer NOT NULL,
	`passed` integer NOT NULL,
	`feedback` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assessor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assessments_submission_unique` ON `assessments` (`submission_id`);--> statement-breakpoint
CREATE INDEX `assessments_assessor_idx` ON `assessments` (`assessor_id`);--> statement-breakpoint
CREATE TABLE `live_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cohort_id` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`starts_at` integer NOT NULL,
	`minutes` integer NOT NULL,
	`competencies` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `live_sessions_cohort_idx` ON `live_sessions` (`cohort_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `recognitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`provider` text NOT NULL,
	`title` text NOT NULL,
	`minutes` integer NOT NULL,
	`completed_on` text NOT NULL,
	`url` text,
	`file_id` integer,
	`competencies` text NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`reason` text,
	`decided_by` integer,
	`decided_at` integer,
	`submitted_at` integer NOT NULL,
	`submission_key` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recognitions_key_unique` ON `recognitions` (`user_id`,`submission_key`);--> statement-breakpoint
CREATE INDEX `recognitions_queue_idx` ON `recognitions` (`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `recognitions_user_idx` ON `recognitions` (`user_id`);--> statement-breakpoint
CREATE TABLE `session_attendance` (
	`session_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`recorded_by` integer,
	`recorded_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `user_id`),
	FOREIGN KEY (`session_id`) REFERENCES `live_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `session_attendance_user_idx` ON `session_attendance` (`user_id`);--> statement-breakpoint
CREATE TABLE `stored_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_id` integer NOT NULL,
	`storage_key` text NOT NULL,
	`name` text NOT NULL,
	`media_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	`deleted_by` integer,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deleted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stored_files_key_unique` ON `stored_files` (`storage_key`);--> statement-breakpoint
CREATE INDEX `stored_files_owner_idx` ON `stored_files` (`owner_id`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`module_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`version` integer NOT NULL,
	`text` text,
	`url` text,
	`file_id` integer,
	`status` text DEFAULT 'waiting' NOT NULL,
	`shared` integer DEFAULT false NOT NULL,
	`submitted_at` integer NOT NULL,
	`submission_key` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`file_id`) REFERENCES `stored_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_version_unique` ON `submissions` (`user_id`,`module_id`,`version`);--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_key_unique` ON `submissions` (`user_id`,`submission_key`);--> statement-breakpoint
CREATE INDEX `submissions_queue_idx` ON `submissions` (`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `submissions_module_idx` ON `submissions` (`module_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_competency_evidence` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`competency` text NOT NULL,
	`kind` text DEFAULT 'quiz' NOT NULL,
	`module_id` integer,
	`course_id` integer,
	`source` text NOT NULL,
	`assessor_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`module_id`) REFERENCES `modules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assessor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_competency_evidence`("id", "user_id", "competency", "kind", "module_id", "course_id", "source", "assessor_id", "created_at") SELECT "id", "user_id", "competency", 'quiz', "module_id", "course_id", 'module:' || "module_id", NULL, "created_at" FROM `competency_evidence`;--> statement-breakpoint
DROP TABLE `competency_evidence`;--> statement-breakpoint
ALTER TABLE `__new_competency_evidence` RENAME TO `competency_evidence`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `competency_evidence_source_unique` ON `competency_evidence` (`user_id`,`competency`,`source`);--> statement-breakpoint
CREATE INDEX `competency_evidence_competency_idx` ON `competency_evidence` (`competency`,`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `competency_evidence_user_idx` ON `competency_evidence` (`user_id`,`competency`,`created_at`,`module_id`);--> statement-breakpoint
ALTER TABLE `modules` ADD `assignment` text;