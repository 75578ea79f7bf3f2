-- UNLOGGED (edited by hand; drizzle-kit cannot express it): counts need neither crash safety nor replication
CREATE UNLOGGED TABLE "rate_limit_counts" (
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"instance" text NOT NULL,
	"count" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_limit_counts_key_window_start_instance_pk" PRIMARY KEY("key","window_start","instance")
);
