"""Use cases of the scheduler, by group: ``planning`` (plan and re-plan a year's group rounds),
``plan_decisions`` (what a person decides about an unplaced round, the plan overview's data),
``student_meetings`` (meetings a referral or a request starts), ``changes`` (reschedule and
cancel by hand, a meeting recorded held). ``ports`` holds the Protocols they need."""
