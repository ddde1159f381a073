import type { ReactNode } from 'react';

interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  testId?: string;
}

/** The calm centred panel a section shows before it has anything to list. */
export function EmptyState({ icon, title, children, testId }: EmptyStateProps) {
  return (
    <div className="empty-wrap">
      <section className="empty" data-testid={testId}>
        <div className="empty-icon">{icon}</div>
        <h2 className="empty-title">{title}</h2>
        <div className="empty-body">{children}</div>
      </section>
    </div>
  );
}
