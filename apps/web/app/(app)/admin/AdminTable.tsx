import type { ReactNode } from "react";
import styles from "./admin.module.css";

/** A labelled admin list: a header row of `columns`, then a last unlabelled column for each row's actions. */
export function AdminTable({ label, columns, children }: { label: string; columns: string[]; children: ReactNode }) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
