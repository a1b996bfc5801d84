import { Migration } from '@mikro-orm/migrations';

export class Migration20261204194625 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "interview_session_status_updated_at_index" on "interview_session" ("status", "updated_at" desc, "id" desc);`);
    this.addSql(`create index "interview_session_updated_at_index" on "interview_session" ("updated_at" desc, "id" desc);`);
    this.addSql(`create index "interview_session_status_scheduled_at_desc_index" on "interview_session" ("status", coalesce("scheduled_at", '-infinity'::timestamptz) desc, "id" desc);`);
    this.addSql(`create index "interview_session_scheduled_at_desc_index" on "interview_session" (coalesce("scheduled_at", '-infinity'::timestamptz) desc, "id" desc);`);
    this.addSql(`create index "interview_session_status_scheduled_at_asc_index" on "interview_session" ("status", coalesce("scheduled_at", 'infinity'::timestamptz), "id");`);
    this.addSql(`create index "interview_session_scheduled_at_asc_index" on "interview_session" (coalesce("scheduled_at", 'infinity'::timestamptz), "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "interview_session_status_updated_at_index";`);
    this.addSql(`drop index "interview_session_updated_at_index";`);
    this.addSql(`drop index "interview_session_status_scheduled_at_desc_index";`);
    this.addSql(`drop index "interview_session_scheduled_at_desc_index";`);
    this.addSql(`drop index "interview_session_status_scheduled_at_asc_index";`);
    this.addSql(`drop index "interview_session_scheduled_at_asc_index";`);
  }

}
